// Child-process entry for the embedded simulator: registers tsx (resolved from
// this file, so it works from any working directory), then runs child.ts.
import { register } from 'tsx/esm/api';

register();
await import('./child.ts');
