import { describeBackendFaults } from '@switchyard/testing';
import { VLLM } from './support/vllm-testbed.js';

describeBackendFaults(VLLM);
