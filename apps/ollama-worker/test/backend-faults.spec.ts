import { describeBackendFaults } from '@switchyard/testing';
import { OLLAMA } from './support/ollama-testbed.js';

describeBackendFaults(OLLAMA);
