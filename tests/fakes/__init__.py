"""Real-protocol fakes of external systems (servers on loopback), reusable by any test."""
