/**
 * nginx as a plain reverse-proxy peer (nginx has no JWT check without njs or the commercial auth_jwt): one
 * process (master_process off, one worker's work), a keep-alive pool to the upstream, no access log. It sits
 * beside the Tollgate gateway's public route, which proxies without checking a token.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { binaryVersion, type ExternalPeer, findBinary, startExternalPeer } from './external-process.js';

export interface NginxOptions {
  directory: string;
  port: number;
  upstream: string;
}

function config(options: NginxOptions): string {
  const upstream = new URL(options.upstream);
  const temp = join(options.directory, 'nginx-temp');
  return `daemon off;
master_process off;
worker_processes 1;
pid ${join(options.directory, 'nginx.pid')};
error_log ${join(options.directory, 'nginx-error.log')} warn;

events {
  worker_connections 4096;
}

http {
  access_log off;
  client_body_temp_path ${temp};
  proxy_temp_path ${temp};
  fastcgi_temp_path ${temp};
  uwsgi_temp_path ${temp};
  scgi_temp_path ${temp};

  upstream bench_upstream {
    server ${upstream.hostname}:${upstream.port};
    keepalive 256;
  }

  server {
    listen 127.0.0.1:${options.port};
    location / {
      proxy_pass http://bench_upstream;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
}

export function nginxBinary(): string | undefined {
  return findBinary('nginx');
}

/** "nginx version: nginx/1.22.1" → "nginx/1.22.1". */
export function nginxVersion(binary: string): string {
  return binaryVersion(binary, ['-v'])?.replace('nginx version: ', '') ?? 'nginx';
}

export async function startNginx(binary: string, options: NginxOptions): Promise<ExternalPeer> {
  mkdirSync(join(options.directory, 'nginx-temp'), { recursive: true });
  const configFile = join(options.directory, 'nginx.conf');
  writeFileSync(configFile, config(options));
  // -e: the error log before the config is read goes there too, not to the system's log folder.
  const errorLog = join(options.directory, 'nginx-error.log');
  return startExternalPeer(binary, ['-e', errorLog, '-p', options.directory, '-c', configFile], options.port);
}
