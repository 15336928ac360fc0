import { describeEndFrameTimings } from '@switchyard/testing';
import { LMSTUDIO } from './support/lmstudio-testbed.js';

describeEndFrameTimings(LMSTUDIO);
