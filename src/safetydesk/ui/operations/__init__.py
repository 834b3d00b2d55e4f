"""Operations: the only bridge from screens to core services, run on the task runner."""
