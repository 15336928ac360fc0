import { describeLogprobs } from '@switchyard/testing';
import { OLLAMA } from './support/ollama-testbed.js';

describeLogprobs(OLLAMA);
