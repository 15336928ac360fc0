import { describeCancellation } from '@switchyard/testing';
import { LMSTUDIO } from './support/lmstudio-testbed.js';

describeCancellation(LMSTUDIO);
