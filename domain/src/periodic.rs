//! Work repeated on a timer until the store stops.

use std::future::Future;
use std::time::Duration;

/// Runs `work(false)` every `period`, the first time at once, until `stop`
/// resolves, then `work(true)` once more: the last run, for what must be done
/// before the store stops. A run under way always finishes; `stop` is only
/// looked at between runs. Spawn it, and await it after stopping it.
pub async fn until_stopped<F>(
    period: Duration,
    stop: impl Future<Output = ()>,
    mut work: impl FnMut(bool) -> F,
) where
    F: Future<Output = ()>,
{
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut stop = std::pin::pin!(stop);
    loop {
        let last = tokio::select! {
            _ = ticks.tick() => false,
            () = &mut stop => true,
        };
        work(last).await;
        if last {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn runs_at_once_and_a_last_time_when_stopped() {
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let mut stop = Some(stop);
        let mut runs = Vec::new();
        // An hour apart: after the first run only the stop can come.
        until_stopped(
            Duration::from_secs(3600),
            async move {
                let _ = stopped.await;
            },
            |last| {
                runs.push(last);
                if let Some(stop) = stop.take() {
                    let _ = stop.send(());
                }
                std::future::ready(())
            },
        )
        .await;
        assert_eq!(runs, [false, true]);
    }
}
