// The project part of a shared store's scope: one repository's remote, however it is spelled, is one
// project, and no credential in the URL survives.
import { describe, expect, it } from 'vitest';
import { normalRemote } from '../../src/state/pg/scope.js';

describe('normalRemote', () => {
  it('ssh, scp-like and https spellings of one repository agree; credentials and ports go', () => {
    const spellings = [
      'git@github.com:acme/teaser.git',
      'https://x-access-token:s3cret@github.com/acme/teaser',
      'ssh://git@GitHub.com:22/acme/teaser.git/',
      'https://github.com/acme/teaser.git',
      'git://github.com/acme/teaser',
    ];
    expect(new Set(spellings.map(normalRemote))).toEqual(new Set(['github.com/acme/teaser']));
  });

  it('other repositories stay apart, local paths included', () => {
    expect(normalRemote('git@github.com:acme/teaser-2.git')).toBe('github.com/acme/teaser-2');
    expect(normalRemote('git@gitlab.com:acme/teaser.git')).toBe('gitlab.com/acme/teaser');
    expect(normalRemote('/srv/git/teaser.git')).toBe('file:/srv/git/teaser');
    expect(normalRemote('file:///srv/git/teaser.git')).toBe('file:/srv/git/teaser');
    expect(normalRemote('C:\\repos\\teaser.git')).toBe('file:/C:/repos/teaser');
  });
});
