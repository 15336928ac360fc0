import { describeEcho } from '@switchyard/testing';
import { LMSTUDIO } from './support/lmstudio-testbed.js';

describeEcho(LMSTUDIO);
