/**
 * Jest snapshot serializer: masks asset hashes (64 hex characters, alone or inside an
 * S3 key such as `<hash>.zip`), so that whole-template snapshots change when the template
 * changes, not when a dependency inside the bundled handler moves by a byte.
 */
const ASSET_HASH = /[a-f0-9]{64}/g;

module.exports = {
  test: (value: unknown) => typeof value === 'string' && /[a-f0-9]{64}/.test(value),
  serialize: (value: string) => `"${value.replace(ASSET_HASH, '[ASSET HASH]')}"`,
};
