// JSON-RPC 2.0 over TCP with nothing but node:net: one JSON message per line.
import { connect } from "node:net";

export async function tcpClient(address) {
  const [host, port] = [address.slice(0, address.lastIndexOf(":")), Number(address.slice(address.lastIndexOf(":") + 1))];
  const socket = connect({ host, port, noDelay: true });
  await new Promise((done, fail) => { socket.once("connect", done); socket.once("error", fail); });
  const pending = new Map();
  let buffered = "";
  let nextId = 0;
  socket.setEncoding("utf8");
  socket.on("data", (chunk) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const message = JSON.parse(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      const waiter = pending.get(message.id);
      if (waiter) {
        pending.delete(message.id);
        waiter(message);
      }
    }
  });
  return {
    call(method, params = {}) {
      const id = ++nextId;
      const answered = new Promise((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`${method}: no answer in 10 s`)), 10000);
        pending.set(id, (message) => { clearTimeout(timer); done(message); });
      });
      socket.write(JSON.stringify({ jsonrpc: "2.0", id, method, params }) + "\n");
      return answered;
    },
    close() { socket.destroy(); },
  };
}
