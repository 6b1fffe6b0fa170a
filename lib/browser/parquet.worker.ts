/**
 * Decodes published Parquet files into Arrow IPC streams off the main thread (parquet-wasm),
 * so the page stays responsive while the tables load: about 2 s of decoding at the default
 * scale that would otherwise block clicks and paints.
 */
import initParquetWasm, { readParquet } from "parquet-wasm/esm";

export interface DecodeRequest {
  id: number;
  /** The Parquet file, transferred from the page. */
  bytes: ArrayBuffer;
  wasmUrl: string;
}

export type DecodeResponse =
  { id: number; ipc: Uint8Array; decodeMs: number } | { id: number; error: string };

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<DecodeRequest>) => void) | null;
  postMessage(message: DecodeResponse, transfer?: Transferable[]): void;
};

let ready: Promise<unknown> | null = null;

scope.onmessage = (e) => {
  const { id, bytes, wasmUrl } = e.data;
  (async () => {
    ready ??= initParquetWasm({ module_or_path: wasmUrl });
    await ready;
    const started = performance.now();
    let ipc = readParquet(new Uint8Array(bytes)).intoIPCStream();
    if (ipc.byteOffset !== 0 || ipc.byteLength !== ipc.buffer.byteLength) ipc = ipc.slice();
    scope.postMessage({ id, ipc, decodeMs: performance.now() - started }, [ipc.buffer]);
  })().catch((err: unknown) => {
    ready = null;
    scope.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  });
};
