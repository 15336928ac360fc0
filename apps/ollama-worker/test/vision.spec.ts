import { describeVision } from '@switchyard/testing';
import { OLLAMA } from './support/ollama-testbed.js';

describeVision(OLLAMA);
