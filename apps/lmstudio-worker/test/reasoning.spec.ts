import { describeReasoning } from '@switchyard/testing';
import { LMSTUDIO } from './support/lmstudio-testbed.js';

describeReasoning(LMSTUDIO);
