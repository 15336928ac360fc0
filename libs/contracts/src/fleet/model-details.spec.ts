import { describe, expect, it } from '@jest/globals';
import {
  agreedDetails,
  detailsFromMetadata,
  detailsMetadata,
  modelDetails,
} from './model-details.js';

describe("a model's details", () => {
  it('are what the listing says, without the parts it leaves out or empty', () => {
    expect(
      modelDetails({
        name: 'llama3.2:latest',
        type: 'chat',
        loaded: false,
        architecture: 'llama',
        format: 'gguf',
        parameter_size: '3.2B',
        quantization: 'Q4_K_M',
      }),
    ).toEqual({ family: 'llama', format: 'gguf', parameterSize: '3.2B', quantization: 'Q4_K_M' });
    expect(modelDetails({ name: 'm', type: 'chat', loaded: true, quantization: '' })).toEqual({});
  });

  it('travel in endpoint metadata under Ollama-like keys and back', () => {
    const details = { family: 'qwen2', parameterSize: '7B' };
    expect(detailsMetadata(details)).toEqual({ family: 'qwen2', parameter_size: '7B' });
    expect(detailsFromMetadata(detailsMetadata(details))).toEqual(details);
    expect(detailsFromMetadata({ model: 'm', family: '' })).toEqual({});
    expect(detailsFromMetadata(undefined)).toEqual({});
  });

  it('of several listings keep each detail they agree on and drop the ones they differ on', () => {
    expect(
      agreedDetails([
        { family: 'llama', quantization: 'Q4_K_M' },
        { family: 'llama', quantization: 'Q8_0', format: 'gguf' },
        {},
        { family: 'llama', quantization: 'Q4_K_M' },
      ]),
    ).toEqual({ family: 'llama', format: 'gguf' });
    expect(agreedDetails([])).toEqual({});
  });
});
