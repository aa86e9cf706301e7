/**
 * A loopback HTTP proxy in front of the emulator that answers chosen requests itself, with the
 * service's own error, and forwards the rest untouched. For a test that needs one particular call
 * to fail the way AWS fails it (a DynamoDB write refused for its item size) through a process it
 * cannot reach into, such as the CLI. Random faults at rates are `fault-proxy.ts`'s job.
 */
import { createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface InterceptedRequest {
  /** `X-Amz-Target` of JSON-protocol calls, e.g. `DynamoDB_20120810.PutItem`. */
  target?: string;
  /** Method and path, which name the operation of REST-JSON calls (`PATCH /findings/batchupdate`). */
  method?: string;
  path?: string;
  body: string;
}

export interface InterceptAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface InterceptProxy {
  endpoint: string;
  /** Requests answered by `intercept` so far. */
  intercepted(): InterceptedRequest[];
  stop(): Promise<void>;
}

/** DynamoDB's answer to an item over its 400 KB limit, as the service writes it. */
export function dynamoDbItemTooLarge(): InterceptAnswer {
  return {
    status: 400,
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-errortype': 'ValidationException',
    },
    body: JSON.stringify({
      __type: 'com.amazon.coral.validate#ValidationException',
      message: 'Item size has exceeded the maximum allowed size',
    }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startInterceptProxy(
  upstream: string,
  intercept: (request: InterceptedRequest) => InterceptAnswer | undefined,
): Promise<InterceptProxy> {
  const target = new URL(upstream);
  const answered: InterceptedRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const header = req.headers['x-amz-target'];
      const seen: InterceptedRequest = {
        ...(typeof header === 'string' ? { target: header } : {}),
        ...(req.method ? { method: req.method } : {}),
        ...(req.url ? { path: req.url } : {}),
        body: body.toString('utf8'),
      };
      const answer = intercept(seen);
      if (answer) {
        answered.push(seen);
        res.writeHead(answer.status, {
          ...answer.headers,
          'content-length': String(Buffer.byteLength(answer.body)),
        });
        res.end(answer.body);
        return;
      }
      const upstreamRequest = request(
        {
          protocol: target.protocol,
          hostname: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (upstreamResponse) => {
          res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
          upstreamResponse.pipe(res);
        },
      );
      upstreamRequest.on('error', () => res.socket?.destroy());
      upstreamRequest.end(body);
    })().catch(() => req.socket.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    intercepted: () => [...answered],
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
