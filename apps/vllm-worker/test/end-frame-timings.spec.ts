import { describeEndFrameTimings } from '@switchyard/testing';
import { VLLM } from './support/vllm-testbed.js';

describeEndFrameTimings(VLLM);
