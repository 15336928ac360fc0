import { describeToolCalls } from '@switchyard/testing';
import { OLLAMA } from './support/ollama-testbed.js';

describeToolCalls(OLLAMA);
