/** Progress lines on stderr, only for a person watching a terminal and only once work takes a moment. */
export function progressReporter(stream: NodeJS.WriteStream = process.stderr): { report: (msg: string) => void; done: () => void } {
  const started = Date.now();
  const live = stream.isTTY === true && !process.env.CI;
  let shown = false;
  return {
    report(msg: string) {
      if (!live || Date.now() - started < 300) return;
      shown = true;
      stream.write(`\r\x1b[2K${msg} … ${((Date.now() - started) / 1000).toFixed(1)} s`);
    },
    done() {
      if (shown) stream.write('\r\x1b[2K');
    },
  };
}
