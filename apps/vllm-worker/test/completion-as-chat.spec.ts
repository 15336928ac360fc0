import { describeCompletionsAsChats } from '@switchyard/testing';
import { VLLM } from './support/vllm-testbed.js';

describeCompletionsAsChats(VLLM);
