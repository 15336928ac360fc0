import { describeToolCalls } from '@switchyard/testing';
import { VLLM } from './support/vllm-testbed.js';

describeToolCalls(VLLM);
