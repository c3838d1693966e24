/**
 * A TCP relay on loopback that can stop relaying while keeping every connection open: to the client behind it,
 * the server has hung (processes stopped, a network black hole) without the shared PostgreSQL or Redis of the
 * machine being touched. New connections are accepted and held silent too, as a stopped server's listen backlog
 * would hold them.
 */
import { type Server, type Socket, connect, createServer } from 'node:net';

export interface PausableProxy {
  /** 127.0.0.1 port that relays to the target. */
  port: number;
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

export async function startPausableProxy(targetHost: string, targetPort: number): Promise<PausableProxy> {
  let frozen = false;
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    if (frozen) socket.pause();
  };
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    client.pipe(upstream);
    upstream.pipe(client);
    // After pipe(), which resumes its source: a connection made while frozen must stay silent too.
    track(client);
    track(upstream);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no proxy port');
  return {
    port: address.port,
    freeze: () => {
      frozen = true;
      for (const socket of sockets) socket.pause();
    },
    thaw: () => {
      frozen = false;
      for (const socket of sockets) socket.resume();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
