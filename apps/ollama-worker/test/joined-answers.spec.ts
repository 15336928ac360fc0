import { describeJoinedAnswers } from '@switchyard/testing';
import { OLLAMA } from './support/ollama-testbed.js';

describeJoinedAnswers(OLLAMA);
