import { describeLogprobs } from '@switchyard/testing';
import { VLLM } from './support/vllm-testbed.js';

describeLogprobs(VLLM);
