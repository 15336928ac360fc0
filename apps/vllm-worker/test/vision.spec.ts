import { describeVision } from '@switchyard/testing';
import { VLLM } from './support/vllm-testbed.js';

describeVision(VLLM);
