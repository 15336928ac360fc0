import { describeEcho } from '@switchyard/testing';
import { OLLAMA } from './support/ollama-testbed.js';

describeEcho(OLLAMA);
