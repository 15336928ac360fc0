import { describeReasoning } from '@switchyard/testing';
import { VLLM } from './support/vllm-testbed.js';

describeReasoning(VLLM);
