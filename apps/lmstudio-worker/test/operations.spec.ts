import { describeOperations } from '@switchyard/testing';
import { LMSTUDIO } from './support/lmstudio-testbed.js';

describeOperations(LMSTUDIO);
