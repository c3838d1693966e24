// GET /data for tokens with read:data, on Express.
import express from 'express';
import { requireScopes, tollgate } from '@tollgate/verify/express';
import { announce, closeOnSignal, port, verifier } from './verifier.mjs';

const app = express();
app.use(tollgate(verifier)); // every route below needs a valid token; req.auth holds it
app.get('/data', requireScopes('read:data'), (req, res) => {
  res.json({ subject: req.auth.subject, scopes: req.auth.scopes, data: [1, 2, 3] });
});

const server = app.listen(port, '127.0.0.1', () => announce(server));
closeOnSignal(() => new Promise((resolve) => server.close(resolve)));
