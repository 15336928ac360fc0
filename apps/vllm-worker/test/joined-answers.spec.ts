import { describeJoinedAnswers } from '@switchyard/testing';
import { VLLM } from './support/vllm-testbed.js';

describeJoinedAnswers(VLLM);
