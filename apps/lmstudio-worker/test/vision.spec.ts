import { describeVision } from '@switchyard/testing';
import { LMSTUDIO } from './support/lmstudio-testbed.js';

describeVision(LMSTUDIO);
