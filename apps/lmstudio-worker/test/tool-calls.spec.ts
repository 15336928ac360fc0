import { describeToolCalls } from '@switchyard/testing';
import { LMSTUDIO } from './support/lmstudio-testbed.js';

describeToolCalls(LMSTUDIO);
