import { generateKeyPair, type GenerateKeyPairResult } from 'jose';

let pair: Promise<GenerateKeyPairResult> | undefined;

/**
 * The RSA signing key pair of the servers this process starts, generated once: a 2048-bit key costs about 130 ms of
 * CPU, and a run (a test file even more) starts a server per suite and per fault profile. Each process has its own.
 */
export function rsaKeyPair(): Promise<GenerateKeyPairResult> {
  pair ??= generateKeyPair('RS256', { extractable: true });
  return pair;
}
