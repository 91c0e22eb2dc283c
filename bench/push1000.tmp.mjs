import { pushBase, pushTags, tagNames } from './support/images.mjs';
const url = process.argv[2];
const base = await pushBase(url, 'dev/bulk');
await pushTags(url, 'dev/bulk', base, tagNames(1000));
console.log('ok');
