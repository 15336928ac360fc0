import { describeJsonMode } from '@switchyard/testing';
import { VLLM } from './support/vllm-testbed.js';

describeJsonMode(VLLM);
