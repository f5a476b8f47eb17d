// The results blob: `validate` creates an append blob per run in the artifacts account (container
// `validation`, blob <deployment>/<run id>.jsonl) and hands the job a write-only SAS URL for it;
// the job appends one JSON line per result; `validate` reads what was appended since its last read.
import { AnonymousCredential, AppendBlobClient, type BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { decodeLine, encodeLine, splitLines, type ResultLine } from './protocol.ts';

export const resultsContainer = 'validation';

export const resultsBlobName = (deployment: string, runId: string): string => `${deployment}/${runId}.jsonl`;

/** validate's side: creates the (empty) append blob of a run; returns its client. */
export async function createResultsBlob(service: BlobServiceClient, deployment: string, runId: string): Promise<{ container: ContainerClient; blob: AppendBlobClient; name: string }> {
  const container = service.getContainerClient(resultsContainer);
  // bootstrap creates it; the CI identity's role is on the container only (creating it needs the account)
  if (!(await container.exists())) await container.create();
  const name = resultsBlobName(deployment, runId);
  const blob = container.getAppendBlobClient(name);
  await blob.create({ blobHTTPHeaders: { blobContentType: 'application/x-ndjson' } });
  return { container, blob, name };
}

/** validate's side: reads what was appended since the last call, as decoded lines. */
export class ResultsReader {
  private offset = 0;
  private pending = '';
  private readonly blob: AppendBlobClient;

  constructor(blob: AppendBlobClient) {
    this.blob = blob;
  }

  async read(): Promise<ResultLine[]> {
    const properties = await this.blob.getProperties();
    const size = properties.contentLength ?? 0;
    if (size <= this.offset) return [];
    const buffer = await this.blob.downloadToBuffer(this.offset, size - this.offset);
    this.offset += buffer.length;
    const { lines, rest } = splitLines(this.pending + buffer.toString('utf8'));
    this.pending = rest;
    return lines.map(decodeLine).filter((l): l is ResultLine => l !== undefined);
  }
}

/** The job's side: appends lines through the SAS URL (it holds no other credential for the account). */
export class ResultsWriter {
  private readonly blob: AppendBlobClient;
  private chain: Promise<void> = Promise.resolve();

  constructor(sasUrl: string) {
    this.blob = new AppendBlobClient(sasUrl, new AnonymousCredential(), { retryOptions: { maxTries: 4, retryDelayInMs: 500, maxRetryDelayInMs: 4000 } });
  }

  /** Appends in call order (results finish concurrently; each line is one block). */
  write(line: ResultLine): Promise<void> {
    const text = encodeLine(line);
    this.chain = this.chain.then(() => this.blob.appendBlock(text, Buffer.byteLength(text)).then(() => undefined));
    return this.chain;
  }
}
