import { describeJsonMode } from '@switchyard/testing';
import { LMSTUDIO } from './support/lmstudio-testbed.js';

describeJsonMode(LMSTUDIO);
