//! A loopback HTTP/1.1 registry for tests and benches.
//!
//! It runs on its own thread with its own tokio runtime, so blocking tests
//! that spawn the `chainrisk` binary can use it as well as async tests. Each
//! route (a request path, as sent, without the query) serves a list of
//! replies in sequence, the last one repeating; unknown paths get 404. It
//! counts requests, records the peak number in flight and every request's
//! headers. Include it with
//! `#[path = "support/mock_registry.rs"] mod mock_registry;`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Notify;

/// How a reply misbehaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// A well-formed response.
    None,
    /// Reads the request, then never answers (the connection stays open).
    Stall,
    /// Declares the whole body's length (or sends chunks), sends half of it, closes.
    Truncate,
    /// Closes the connection with a TCP reset instead of answering.
    Reset,
}

/// One response.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Waited before answering, on top of the registry-wide latency.
    pub delay: Duration,
    pub fault: Fault,
}

impl Reply {
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: body.into(),
            delay: Duration::ZERO,
            fault: Fault::None,
        }
    }

    /// 200 with a JSON body.
    pub fn json(body: impl Into<Vec<u8>>) -> Reply {
        Reply::new(200, body).header("Content-Type", "application/json")
    }

    /// A status with an empty body.
    pub fn status(status: u16) -> Reply {
        Reply::new(status, Vec::new())
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }

    pub fn fault(mut self, fault: Fault) -> Reply {
        self.fault = fault;
        self
    }
}

/// One request as received.
#[derive(Clone, Debug)]
pub struct Request {
    pub path: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

struct Route {
    replies: Vec<Reply>,
    served: usize,
}

#[derive(Default)]
struct State {
    routes: Mutex<HashMap<String, Route>>,
    latency: Mutex<Duration>,
    requests: Mutex<Vec<Request>>,
    in_flight: AtomicUsize,
    peak_in_flight: AtomicUsize,
}

/// The running server; dropping it stops it.
pub struct MockRegistry {
    addr: std::net::SocketAddr,
    state: Arc<State>,
    shutdown: Arc<Notify>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl MockRegistry {
    pub fn start() -> MockRegistry {
        let state = Arc::new(State::default());
        let shutdown = Arc::new(Notify::new());
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = {
            let state = state.clone();
            let shutdown = shutdown.clone();
            std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("mock registry runtime");
                runtime.block_on(async move {
                    let listener = TcpListener::bind("127.0.0.1:0")
                        .await
                        .expect("bind loopback");
                    tx.send(listener.local_addr().expect("local address")).ok();
                    loop {
                        tokio::select! {
                            _ = shutdown.notified() => break,
                            accepted = listener.accept() => {
                                if let Ok((stream, _)) = accepted {
                                    tokio::spawn(serve_connection(stream, state.clone()));
                                }
                            }
                        }
                    }
                });
            })
        };
        let addr = rx.recv().expect("mock registry did not start");
        MockRegistry {
            addr,
            state,
            shutdown,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT/` followed by `path` (no leading slash needed).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}/{}", self.addr, path.trim_start_matches('/'))
    }

    /// Serves `replies` in sequence at `path` (as sent, e.g. `/@scope%2fname`), the last one repeating.
    pub fn route(&self, path: &str, replies: Vec<Reply>) {
        assert!(!replies.is_empty(), "a route needs at least one reply");
        self.state
            .routes
            .lock()
            .unwrap()
            .insert(path.to_string(), Route { replies, served: 0 });
    }

    /// Waited before every reply (the bench uses 20 ms).
    pub fn set_latency(&self, latency: Duration) {
        *self.state.latency.lock().unwrap() = latency;
    }

    pub fn requests(&self) -> usize {
        self.state.requests.lock().unwrap().len()
    }

    pub fn requests_to(&self, path: &str) -> usize {
        self.state
            .requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.path == path)
            .count()
    }

    /// Every request received so far, in order.
    pub fn received(&self) -> Vec<Request> {
        self.state.requests.lock().unwrap().clone()
    }

    pub fn peak_in_flight(&self) -> usize {
        self.state.peak_in_flight.load(Ordering::SeqCst)
    }

    /// Forgets the requests received and the peak in flight (routes stay).
    pub fn reset_counters(&self) {
        self.state.requests.lock().unwrap().clear();
        self.state.peak_in_flight.store(0, Ordering::SeqCst);
    }
}

impl Drop for MockRegistry {
    fn drop(&mut self) {
        self.shutdown.notify_one();
        if let Some(thread) = self.thread.take() {
            thread.join().ok();
        }
    }
}

/// Answers requests on one connection until the client closes it (keep-alive).
async fn serve_connection(mut stream: TcpStream, state: Arc<State>) {
    let mut buffer = Vec::new();
    loop {
        let head = loop {
            if let Some(end) = find(&buffer, b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
                buffer.drain(..end + 4);
                break head;
            }
            let mut chunk = [0u8; 4096];
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let request = parse_head(&head);
        let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        state.peak_in_flight.fetch_max(now, Ordering::SeqCst);
        let reply = {
            let mut routes = state.routes.lock().unwrap();
            match routes.get_mut(&request.path) {
                Some(route) => {
                    let i = route.served.min(route.replies.len() - 1);
                    route.served += 1;
                    route.replies[i].clone()
                }
                None => Reply::new(404, format!("no route for {}", request.path)),
            }
        };
        state.requests.lock().unwrap().push(request);
        let latency = *state.latency.lock().unwrap();
        tokio::time::sleep(latency + reply.delay).await;
        let keep_open = write_reply(&mut stream, &reply).await;
        state.in_flight.fetch_sub(1, Ordering::SeqCst);
        if !keep_open {
            return;
        }
    }
}

/// Writes `reply` as its fault says; false when the connection is done.
async fn write_reply(stream: &mut TcpStream, reply: &Reply) -> bool {
    match reply.fault {
        Fault::Stall => {
            std::future::pending::<()>().await;
            false
        }
        Fault::Reset => {
            stream.set_zero_linger().ok();
            false
        }
        Fault::None | Fault::Truncate => {
            let mut out = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
            for (name, value) in &reply.headers {
                out.push_str(&format!("{name}: {value}\r\n"));
            }
            // A reply that sets `Transfer-Encoding: chunked` is sent in chunks,
            // so the client cannot know its length in advance.
            let chunked = reply
                .headers
                .iter()
                .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
            let sent = if reply.fault == Fault::Truncate {
                &reply.body[..reply.body.len() / 2]
            } else {
                &reply.body[..]
            };
            if !chunked {
                out.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
            }
            out.push_str("\r\n");
            let mut bytes = out.into_bytes();
            if chunked {
                for chunk in sent.chunks(1024) {
                    bytes.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
                    bytes.extend_from_slice(chunk);
                    bytes.extend_from_slice(b"\r\n");
                }
                if reply.fault == Fault::None {
                    bytes.extend_from_slice(b"0\r\n\r\n");
                }
            } else {
                bytes.extend_from_slice(sent);
            }
            let written = stream.write_all(&bytes).await.is_ok() && stream.flush().await.is_ok();
            written && reply.fault == Fault::None
        }
    }
}

fn parse_head(head: &str) -> Request {
    let mut lines = head.split("\r\n");
    let target = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("/");
    let path = target.split('?').next().unwrap_or(target).to_string();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Request { path, headers }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        404 => "Not Found",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
