import { describeOperations } from '@switchyard/testing';
import { VLLM } from './support/vllm-testbed.js';

describeOperations(VLLM);
