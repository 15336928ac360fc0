import { describeOperations } from '@switchyard/testing';
import { OLLAMA } from './support/ollama-testbed.js';

describeOperations(OLLAMA);
