import { describeReasoning } from '@switchyard/testing';
import { OLLAMA } from './support/ollama-testbed.js';

describeReasoning(OLLAMA);
