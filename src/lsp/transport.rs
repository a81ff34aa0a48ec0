//! The server's stdio transport: `lsp-server`'s, except that the reader
//! reads ahead. `lsp-server`'s reader hands over one message at a time (a
//! channel of capacity zero), so the loop, which compiles once no message
//! is waiting, saw a burst of changes one message at a time and compiled
//! after each (a backlog of stale compilations while typing). This reader
//! queues every message as soon as it is read: the loop takes a whole
//! burst before compiling. It also reads the framing itself
//! ([`frame`]): `lsp-server`'s reader allocated whatever a
//! `Content-Length` said and ended the connection on a malformed message;
//! this one bounds every read and answers a malformed message with a
//! JSON-RPC error, so only the input's end or `exit` ends it.

use std::io::{self, Write};
use std::thread::{Builder, JoinHandle};

use crossbeam_channel::{never, select, unbounded};
use lsp_server::{Connection, Message};

use super::frame::{self, Frame, Refusal};

/// The reader and writer threads of a stdio connection.
pub(crate) struct IoThreads {
    reader: JoinHandle<io::Result<()>>,
    writer: JoinHandle<io::Result<()>>,
}

impl IoThreads {
    /// Waits for the writer alone (once the connection is dropped): what
    /// was sent is written, while the reader may still wait for input.
    pub(crate) fn finish_writing(self) {
        let _ = self.writer.join();
    }

    /// Waits for both threads (the reader ends with the input or after
    /// `exit`, the writer once the connection is dropped).
    pub(crate) fn join(self) -> Result<(), String> {
        let reader = self.reader.join();
        let writer = self.writer.join();
        for result in [reader, writer] {
            match result {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return Err(e.to_string()),
                Err(_) => return Err("an input or output thread failed".into()),
            }
        }
        Ok(())
    }
}

/// A connection on stdin and stdout, and its threads.
pub(crate) fn stdio() -> io::Result<(Connection, IoThreads)> {
    let (to_writer, outgoing) = unbounded::<Message>();
    // The reader's answers to what it could not read.
    let (refuse, refusals) = unbounded::<Refusal>();
    let writer = Builder::new()
        .name("pmoc-lsp-writer".into())
        .spawn(move || {
            let stdout = io::stdout();
            let mut stdout = stdout.lock();
            let mut refusals = refusals;
            loop {
                select! {
                    recv(outgoing) -> message => match message {
                        Ok(message) => message.write(&mut stdout)?,
                        Err(_) => return Ok(()),
                    },
                    recv(refusals) -> refusal => match refusal {
                        Ok(refusal) => {
                            let text = refusal.to_json();
                            write!(stdout, "Content-Length: {}\r\n\r\n{text}", text.len())?;
                            stdout.flush()?;
                        }
                        // The reader is done.
                        Err(_) => refusals = never(),
                    },
                }
            }
        })?;
    let (incoming, from_reader) = unbounded::<Message>();
    let reader = Builder::new()
        .name("pmoc-lsp-reader".into())
        .spawn(move || {
            let stdin = io::stdin();
            let mut stdin = stdin.lock();
            while let Some(frame) = frame::read(&mut stdin)? {
                let message = match frame {
                    Frame::Message(message) => message,
                    Frame::Refused(refusal) => {
                        let _ = refuse.send(refusal);
                        continue;
                    }
                };
                let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                if incoming.send(message).is_err() || exit {
                    break;
                }
            }
            Ok(())
        })?;
    let connection = Connection {
        sender: to_writer,
        receiver: from_reader,
    };
    Ok((connection, IoThreads { reader, writer }))
}
