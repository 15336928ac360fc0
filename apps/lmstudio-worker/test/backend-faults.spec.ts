import { describeBackendFaults } from '@switchyard/testing';
import { LMSTUDIO } from './support/lmstudio-testbed.js';

describeBackendFaults(LMSTUDIO);
