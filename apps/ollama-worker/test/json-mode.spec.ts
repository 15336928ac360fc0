import { describeJsonMode } from '@switchyard/testing';
import { OLLAMA } from './support/ollama-testbed.js';

describeJsonMode(OLLAMA);
