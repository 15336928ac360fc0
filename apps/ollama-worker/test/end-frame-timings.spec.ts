import { describeEndFrameTimings } from '@switchyard/testing';
import { OLLAMA } from './support/ollama-testbed.js';

describeEndFrameTimings(OLLAMA);
