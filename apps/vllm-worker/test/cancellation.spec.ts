import { describeCancellation } from '@switchyard/testing';
import { VLLM } from './support/vllm-testbed.js';

describeCancellation(VLLM);
