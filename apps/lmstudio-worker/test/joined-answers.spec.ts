import { describeJoinedAnswers } from '@switchyard/testing';
import { LMSTUDIO } from './support/lmstudio-testbed.js';

describeJoinedAnswers(LMSTUDIO);
