import { describeEcho } from '@switchyard/testing';
import { VLLM } from './support/vllm-testbed.js';

describeEcho(VLLM);
