/**
 * The start-up phases and the regular expressions that open and close them (upstream's
 * DEFINED_CATEGORIES). Each pattern is the alternation of the wordings of the vLLM
 * generations we know, so one table reads old and new logs:
 * - shell-era upstream (vLLM 0.8-0.10, V0 and early V1): the first alternative of each;
 * - HEAD upstream (vLLM 0.11-0.24): "Initializing a V1 LLM engine", "Loading model from
 *   scratch", "for vLLM's torch.compile", "torch.compile took", "Starting vLLM server".
 */

export interface CategoryDef {
  title: string;
  start: RegExp;
  end: RegExp;
  children?: readonly CategoryDef[];
}

const COMPILE_START = /Start compiling function|torch\/_dynamo|for vLLM's torch\.compile/;
const COMPILE_END = /torch\.compile takes|torch\.compile took/;

export const CATEGORY_DEFS: readonly CategoryDef[] = [
  { title: 'Detect Platform', start: /No plugins for group/, end: /detected platform/ },
  { title: 'LLM Imports', start: /detected platform/, end: /Available plugins for group/ },
  { title: 'Get Model Info', start: /vLLM API server version| version /, end: /Using max model len/ },
  { title: 'Worker Initialization', start: /Waiting for init message|Initializing a V1 LLM engine/, end: /Starting to load model|Loading model from scratch/ },
  { title: 'Model Loading', start: /Starting to load model|Loading model from scratch/, end: /Model loading took/ },
  {
    title: 'Pytorch Compilation',
    start: COMPILE_START,
    end: COMPILE_END,
    children: [
      { title: 'Dynamo', start: COMPILE_START, end: /Dynamo bytecode transform/ },
      { title: 'Inductor', start: /Dynamo bytecode transform/, end: COMPILE_END },
    ],
  },
  { title: 'CUDA Graph Capture', start: COMPILE_END, end: /init engine/ },
  { title: 'API Server Starts', start: /Starting vLLM API server|Starting vLLM server/, end: /Route: \/metrics/ },
];

/** Titles in table order, children after their parent (for checks and docs). */
export function categoryTitles(defs: readonly CategoryDef[] = CATEGORY_DEFS): string[] {
  return defs.flatMap((d) => [d.title, ...(d.children ? categoryTitles(d.children) : [])]);
}
