import { describeCompletionsAsChats } from '@switchyard/testing';
import { LMSTUDIO } from './support/lmstudio-testbed.js';

describeCompletionsAsChats(LMSTUDIO);
