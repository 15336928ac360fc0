import { describeCancellation } from '@switchyard/testing';
import { OLLAMA } from './support/ollama-testbed.js';

describeCancellation(OLLAMA);
