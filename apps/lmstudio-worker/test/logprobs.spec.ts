import { describeLogprobs } from '@switchyard/testing';
import { LMSTUDIO } from './support/lmstudio-testbed.js';

describeLogprobs(LMSTUDIO);
